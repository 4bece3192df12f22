"""The pure domain: record types, identifier codes and rules; it reads only its own data."""
