"""pigdata: an open live-pig big data platform.

Records of the whole pig chain are validated, appended to a tamper-evident ledger and
projected into SQL tables that the services, the API and the CLI read.
"""

__version__ = "0.1.0"
