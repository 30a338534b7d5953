"""Authentication (local, OIDC, oauth2-proxy headers) and the one access policy."""
