# Public option: records in a public Azure DNS zone. Private option: a private DNS zone linked to the
# virtual network for the UI/API (users reach it over VPN/peering or the jumpbox), while the plugin
# endpoint keeps a public record so external plugins can connect.
resource "azurerm_dns_zone" "public" {
  count               = var.create_dns_zone ? 1 : 0
  name                = var.dns_zone_name
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

locals {
  public_zone_name = var.create_dns_zone ? azurerm_dns_zone.public[0].name : var.dns_zone_name
}

resource "azurerm_dns_a_record" "codemill" {
  count               = var.private_cluster ? 0 : 1
  name                = var.codemill_hostname
  zone_name           = local.public_zone_name
  resource_group_name = azurerm_resource_group.main.name
  ttl                 = 300
  records             = [azurerm_public_ip.ingress[0].ip_address]
  tags                = local.tags
}

resource "azurerm_dns_a_record" "nats" {
  name                = var.nats_hostname
  zone_name           = local.public_zone_name
  resource_group_name = azurerm_resource_group.main.name
  ttl                 = 300
  records             = [azurerm_public_ip.nats.ip_address]
  tags                = local.tags
}

resource "azurerm_private_dns_zone" "codemill" {
  count               = var.private_cluster ? 1 : 0
  name                = var.dns_zone_name
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "codemill" {
  count                 = var.private_cluster ? 1 : 0
  name                  = "${local.name}-codemill"
  resource_group_name   = azurerm_resource_group.main.name
  private_dns_zone_name = azurerm_private_dns_zone.codemill[0].name
  virtual_network_id    = azurerm_virtual_network.main.id
}

resource "azurerm_private_dns_a_record" "codemill" {
  count               = var.private_cluster ? 1 : 0
  name                = var.codemill_hostname
  zone_name           = azurerm_private_dns_zone.codemill[0].name
  resource_group_name = azurerm_resource_group.main.name
  ttl                 = 300
  records             = [var.ingress_private_ip]
  tags                = local.tags
}
