"""The 差评整改 loop on the server: records, case ratings, their sync commands and their read API."""
