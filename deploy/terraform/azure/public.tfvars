# Public cluster option: AKS API server reachable from the listed networks; UI/API and the plugin
# endpoint on public IPs restricted to the corporate ranges.
subscription_id                 = "00000000-0000-0000-0000-000000000000"
location                        = "westeurope"
name_prefix                     = "codemill"
private_cluster                 = false
api_server_authorized_ip_ranges = ["203.0.113.0/24"]
ingress_allowed_ip_ranges       = ["203.0.113.0/24", "198.51.100.0/24"]
key_vault_allowed_ip_ranges     = ["203.0.113.10/32"]
dns_zone_name                   = "example.com"
create_dns_zone                 = true
codemill_hostname               = "codemill"
nats_hostname                   = "plugins"
workload_node_vm_size           = "Standard_D8ds_v5"
workload_node_min_count         = 3
workload_node_max_count         = 6
postgres_sku                    = "GP_Standard_D4ds_v5"
tags = {
  environment = "production"
  owner       = "platform-team"
}
