# Private cluster option: private control-plane endpoint reached from the IAP bastion, private DNS for
# the UI/API (internal load balancer); only the plugin endpoint is public.
project_id                 = "my-codemill-project"
region                     = "europe-west1"
name_prefix                = "codemill"
private_cluster            = true
master_authorized_networks = []
ingress_allowed_ip_ranges  = ["203.0.113.0/24"]
dns_zone_name              = "codemill.example.com"
create_dns_zone            = true
codemill_hostname          = "app"
nats_hostname              = "plugins"
ingress_private_ip         = "10.50.15.200"
bastion_machine_type       = "e2-small"
node_machine_type          = "n2-standard-8"
node_min_count             = 1
node_max_count             = 2
cloudsql_tier              = "db-custom-4-16384"
cloudsql_high_availability = true
labels = {
  environment = "production"
  owner       = "platform-team"
}
