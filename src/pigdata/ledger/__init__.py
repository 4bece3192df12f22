"""The ledger: every accepted record as one entry of an RFC 9162 Merkle log."""
