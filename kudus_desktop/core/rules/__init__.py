"""The domain's rules without storage: codes and roles, NIK/KK, dates and money, the form's
checks, every message, regions, names."""
