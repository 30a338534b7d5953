# Static public IPs: one for the ingress controller (public option), one for the NATS TLS endpoint that
# plugins on laptops and CI connect to. The chart's Service picks them up through annotations (outputs).
resource "azurerm_public_ip" "nats" {
  name                = "${local.name}-nats"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = var.availability_zones
  domain_name_label   = "${local.name}-plugins-${substr(md5(azurerm_resource_group.main.id), 0, 6)}"
  tags                = local.tags
}

resource "azurerm_public_ip" "ingress" {
  count               = var.private_cluster ? 0 : 1
  name                = "${local.name}-ingress"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = var.availability_zones
  tags                = local.tags
}
