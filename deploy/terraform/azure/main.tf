locals {
  name         = var.name_prefix
  codemill_fqdn = "${var.codemill_hostname}.${var.dns_zone_name}"
  nats_fqdn    = "${var.nats_hostname}.${var.dns_zone_name}"
  tags         = merge({ app = "codemill", managed-by = "terraform" }, var.tags)
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "main" {
  name     = "${local.name}-rg"
  location = var.location
  tags     = local.tags
}

resource "azurerm_log_analytics_workspace" "main" {
  name                = "${local.name}-logs"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = local.tags
}
