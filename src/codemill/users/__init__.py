"""Users: profiles, admin user management, provisioning from identity providers."""
