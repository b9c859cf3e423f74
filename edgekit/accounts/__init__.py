"""Who may use the box: accounts, sessions and tokens (auth), the roles, and how fast anyone may guess a PIN
(throttle)."""
