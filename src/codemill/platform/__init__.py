"""Platform endpoints: health, info, client configuration."""
