output "resource_group_name" {
  description = "Resource group holding every resource."
  value       = azurerm_resource_group.main.name
}

output "aks_cluster_name" {
  description = "AKS cluster name (az aks get-credentials -g <rg> -n <name>)."
  value       = azurerm_kubernetes_cluster.main.name
}

output "codemill_url" {
  description = "Public URL of the UI/API (config.publicUrl)."
  value       = "https://${local.codemill_fqdn}"
}

output "nats_public_url" {
  description = "Plugin endpoint handed to plugin users (config.natsPublicUrl)."
  value       = "tls://${local.nats_fqdn}:4222"
}

output "nats_public_ip" {
  description = "Static IP of the NATS LoadBalancer (nats.external.loadBalancerIP)."
  value       = azurerm_public_ip.nats.ip_address
}

output "ingress_public_ip" {
  description = "Static IP for the ingress controller's LoadBalancer (public option)."
  value       = var.private_cluster ? null : azurerm_public_ip.ingress[0].ip_address
}

output "helm_nats_service_annotations" {
  description = "Annotations for nats.external.annotations so AKS uses the static IP from this resource group."
  value = {
    "service.beta.kubernetes.io/azure-load-balancer-resource-group" = azurerm_resource_group.main.name
    "service.beta.kubernetes.io/azure-pip-name"                     = azurerm_public_ip.nats.name
  }
}

output "postgres_fqdn" {
  description = "Private FQDN of the PostgreSQL Flexible Server."
  value       = azurerm_postgresql_flexible_server.main.fqdn
}

output "key_vault_name" {
  description = "Key Vault holding codemill-master-key and codemill-database-url."
  value       = azurerm_key_vault.main.name
}

output "workload_identity_client_id" {
  description = "Client ID for serviceAccount.annotations azure.workload.identity/client-id."
  value       = azurerm_user_assigned_identity.codemill.client_id
}

output "tenant_id" {
  description = "Entra ID tenant of the subscription (SecretProviderClass tenantId)."
  value       = data.azurerm_client_config.current.tenant_id
}
