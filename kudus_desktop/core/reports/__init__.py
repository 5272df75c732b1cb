"""Reports: workbooks, printed tables and the personal-data sheet built from the services below."""
