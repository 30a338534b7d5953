# Public cluster option: private nodes, control plane and UI/API reachable from the listed networks.
project_id      = "my-codemill-project"
region          = "europe-west1"
name_prefix     = "codemill"
private_cluster = false
master_authorized_networks = [
  { cidr_block = "203.0.113.0/24", display_name = "corporate-vpn" },
]
ingress_allowed_ip_ranges  = ["203.0.113.0/24", "198.51.100.0/24"]
dns_zone_name              = "example.com"
create_dns_zone            = true
codemill_hostname          = "codemill"
nats_hostname              = "plugins"
node_machine_type          = "n2-standard-8"
node_min_count             = 1
node_max_count             = 2
cloudsql_tier              = "db-custom-4-16384"
cloudsql_high_availability = true
labels = {
  environment = "production"
  owner       = "platform-team"
}
