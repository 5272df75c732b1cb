"""The regency's sync server: a thin HTTP shell (Starlette on uvicorn) over
:mod:`kudus_desktop.core.regency.sync_server`."""
