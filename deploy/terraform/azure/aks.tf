resource "azurerm_user_assigned_identity" "aks" {
  name                = "${local.name}-aks"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

# The cluster identity manages the load balancers in this resource group (static IPs for NATS/ingress).
resource "azurerm_role_assignment" "aks_network" {
  scope                = azurerm_resource_group.main.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.aks.principal_id
}

resource "azurerm_kubernetes_cluster" "main" {
  #checkov:skip=CKV_AZURE_6:Authorized IP ranges apply to the public option only (var.private_cluster = false sets them); the private option has no public API server.
  #checkov:skip=CKV_AZURE_115:The private option sets private_cluster_enabled through var.private_cluster; the public option is a supported choice limited to api_server_authorized_ip_ranges.
  name                              = "${local.name}-aks"
  location                          = azurerm_resource_group.main.location
  resource_group_name               = azurerm_resource_group.main.name
  dns_prefix                        = local.name
  kubernetes_version                = var.kubernetes_version
  sku_tier                          = "Standard"
  automatic_upgrade_channel         = "patch"
  node_os_upgrade_channel           = "NodeImage"
  private_cluster_enabled           = var.private_cluster
  local_account_disabled            = true
  role_based_access_control_enabled = true
  oidc_issuer_enabled               = true
  workload_identity_enabled         = true
  azure_policy_enabled              = true
  disk_encryption_set_id            = azurerm_disk_encryption_set.main.id
  tags                              = local.tags

  dynamic "api_server_access_profile" {
    for_each = var.private_cluster ? [] : [1]
    content {
      authorized_ip_ranges = var.api_server_authorized_ip_ranges
    }
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.aks.id]
  }

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled = true
    tenant_id          = data.azurerm_client_config.current.tenant_id
  }

  default_node_pool {
    name                         = "system"
    vm_size                      = var.system_node_vm_size
    node_count                   = var.system_node_count
    vnet_subnet_id               = azurerm_subnet.aks.id
    zones                        = var.availability_zones
    max_pods                     = 110
    os_disk_type                 = "Ephemeral"
    host_encryption_enabled      = var.encryption_at_host
    only_critical_addons_enabled = true
    temporary_name_for_rotation  = "systemtmp"
    upgrade_settings {
      max_surge = "33%"
    }
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_data_plane  = "cilium"
    network_policy      = "cilium"
    pod_cidr            = var.pod_cidr
    load_balancer_sku   = "standard"
    outbound_type       = "loadBalancer"
  }

  oms_agent {
    log_analytics_workspace_id      = azurerm_log_analytics_workspace.main.id
    msi_auth_for_monitoring_enabled = true
  }

  key_vault_secrets_provider {
    secret_rotation_enabled  = true
    secret_rotation_interval = "2m"
  }

  depends_on = [azurerm_role_assignment.aks_network, azurerm_role_assignment.disk_encryption]
}

resource "azurerm_kubernetes_cluster_node_pool" "workloads" {
  name                    = "workloads"
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.main.id
  vm_size                 = var.workload_node_vm_size
  vnet_subnet_id          = azurerm_subnet.aks.id
  zones                   = var.availability_zones
  auto_scaling_enabled    = true
  min_count               = var.workload_node_min_count
  max_count               = var.workload_node_max_count
  max_pods                = 110
  os_disk_type            = "Ephemeral"
  host_encryption_enabled = var.encryption_at_host
  mode                    = "User"
  tags                    = local.tags
  upgrade_settings {
    max_surge = "33%"
  }
}

# Codemill's pods read the Key Vault secrets through workload identity (Secrets Store CSI driver).
resource "azurerm_user_assigned_identity" "codemill" {
  name                = "${local.name}-workload"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "codemill" {
  name                = "codemill"
  resource_group_name = azurerm_resource_group.main.name
  parent_id           = azurerm_user_assigned_identity.codemill.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azurerm_kubernetes_cluster.main.oidc_issuer_url
  subject             = "system:serviceaccount:${var.kubernetes_namespace}:codemill"
}

# Node OS and data disks encrypted with a customer-managed key from Key Vault.
resource "azurerm_key_vault_key" "disks" {
  #checkov:skip=CKV_AZURE_40:The key rotates through rotation_policy; a hard expiry date would stop the disks from being readable.
  name         = "codemill-disks"
  key_vault_id = azurerm_key_vault.main.id
  key_type     = "RSA-HSM"
  key_size     = 3072
  key_opts     = ["unwrapKey", "wrapKey"]
  depends_on   = [azurerm_role_assignment.terraform_crypto]

  rotation_policy {
    automatic {
      time_before_expiry = "P30D"
    }
    expire_after         = "P2Y"
    notify_before_expiry = "P29D"
  }
}

resource "azurerm_disk_encryption_set" "main" {
  name                      = "${local.name}-des"
  location                  = azurerm_resource_group.main.location
  resource_group_name       = azurerm_resource_group.main.name
  key_vault_key_id          = azurerm_key_vault_key.disks.versionless_id
  auto_key_rotation_enabled = true
  tags                      = local.tags

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_role_assignment" "disk_encryption" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Crypto Service Encryption User"
  principal_id         = azurerm_disk_encryption_set.main.identity[0].principal_id
}
