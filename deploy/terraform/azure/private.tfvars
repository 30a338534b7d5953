# Private cluster option: private API server and private DNS for the UI/API, reached through Azure
# Bastion and the jumpbox (or VPN/peering); only the plugin endpoint is public.
subscription_id              = "00000000-0000-0000-0000-000000000000"
location                     = "westeurope"
name_prefix                  = "codemill"
private_cluster              = true
ingress_allowed_ip_ranges    = ["203.0.113.0/24"]
dns_zone_name                = "codemill.internal.example.com"
create_dns_zone              = true
codemill_hostname            = "codemill"
nats_hostname                = "plugins"
ingress_private_ip           = "10.40.15.200"
jumpbox_admin_ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyReplaceMe codemill-admin"
workload_node_vm_size        = "Standard_D8ds_v5"
workload_node_min_count      = 3
workload_node_max_count      = 6
postgres_sku                 = "GP_Standard_D4ds_v5"
tags = {
  environment = "production"
  owner       = "platform-team"
}
