# Key Vault: Codemill's integration-encryption master key and the database URL, read by the pods
# through workload identity (Secrets Store CSI driver syncs them into the codemill-app Secret).
resource "azurerm_key_vault" "main" {
  name                          = "${local.name}-kv-${substr(md5(azurerm_resource_group.main.id), 0, 6)}"
  location                      = azurerm_resource_group.main.location
  resource_group_name           = azurerm_resource_group.main.name
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "premium"
  rbac_authorization_enabled    = true
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  public_network_access_enabled = length(var.key_vault_allowed_ip_ranges) > 0
  tags                          = local.tags

  network_acls {
    bypass                     = "AzureServices"
    default_action             = "Deny"
    ip_rules                   = var.key_vault_allowed_ip_ranges
    virtual_network_subnet_ids = [azurerm_subnet.aks.id]
  }
}

resource "azurerm_private_dns_zone" "key_vault" {
  name                = "privatelink.vaultcore.azure.net"
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "key_vault" {
  name                  = "${local.name}-kv"
  resource_group_name   = azurerm_resource_group.main.name
  private_dns_zone_name = azurerm_private_dns_zone.key_vault.name
  virtual_network_id    = azurerm_virtual_network.main.id
}

resource "azurerm_private_endpoint" "key_vault" {
  name                = "${local.name}-kv"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  subnet_id           = azurerm_subnet.endpoints.id
  tags                = local.tags

  private_service_connection {
    name                           = "key-vault"
    private_connection_resource_id = azurerm_key_vault.main.id
    subresource_names              = ["vault"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "key-vault"
    private_dns_zone_ids = [azurerm_private_dns_zone.key_vault.id]
  }
}

# Terraform itself writes the secrets below.
resource "azurerm_role_assignment" "terraform_secrets" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

resource "azurerm_role_assignment" "terraform_crypto" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Crypto Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

resource "azurerm_role_assignment" "codemill_secrets" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.codemill.principal_id
}

resource "random_bytes" "master_key" {
  length = 32
}

resource "azurerm_key_vault_secret" "master_key" {
  #checkov:skip=CKV_AZURE_41:The master key decrypts stored integration credentials; an expiry would make them unreadable. Rotate it instead: the new key in the secret, the old one in CODEMILL_PREVIOUS_MASTER_KEYS, then `codemill admin rotate-keys`.
  name         = "codemill-master-key"
  value        = random_bytes.master_key.base64
  key_vault_id = azurerm_key_vault.main.id
  content_type = "application/octet-stream;base64"
  tags         = local.tags
  depends_on   = [azurerm_role_assignment.terraform_secrets]
}

resource "azurerm_key_vault_secret" "database_url" {
  #checkov:skip=CKV_AZURE_41:The database URL carries the server's admin credentials, which have no expiry of their own; rotate the password and this secret together.
  name         = "codemill-database-url"
  value        = "postgresql+asyncpg://${var.postgres_admin_login}:${random_password.postgres_admin.result}@${azurerm_postgresql_flexible_server.main.fqdn}:5432/codemill?ssl=require"
  key_vault_id = azurerm_key_vault.main.id
  content_type = "text/plain"
  tags         = local.tags
  depends_on   = [azurerm_role_assignment.terraform_secrets]
}
