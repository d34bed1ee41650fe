"""Protection of personal data: SM4-GCM encryption and an HMAC-SM3 blind index (GB/T 32907, GB/T 32905),
through the `cryptography` package. Keys come from a KeyProvider."""
