"""Staff credentials: the password policy applied, password history, forced change, the login throttle,
sessions revoked, and the `create-admin` command."""
