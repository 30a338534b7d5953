# Private option: Azure Bastion and a jumpbox VM (no public IP) from which kubectl and helm reach the
# private API server.
resource "azurerm_subnet" "bastion" {
  #checkov:skip=CKV2_AZURE_31:AzureBastionSubnet is operated by Azure Bastion, which filters its own traffic; an NSG there must carry Bastion's full documented rule set or Bastion breaks.
  count                = var.private_cluster ? 1 : 0
  name                 = "AzureBastionSubnet"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [var.bastion_subnet_cidr]
}

resource "azurerm_subnet" "jumpbox" {
  count                = var.private_cluster ? 1 : 0
  name                 = "jumpbox"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [var.jumpbox_subnet_cidr]
}

resource "azurerm_network_security_group" "jumpbox" {
  count               = var.private_cluster ? 1 : 0
  name                = "${local.name}-jumpbox-nsg"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags

  security_rule {
    name                       = "allow-ssh-from-bastion"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = var.bastion_subnet_cidr
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "jumpbox" {
  count                     = var.private_cluster ? 1 : 0
  subnet_id                 = azurerm_subnet.jumpbox[0].id
  network_security_group_id = azurerm_network_security_group.jumpbox[0].id
}

resource "azurerm_public_ip" "bastion" {
  count               = var.private_cluster ? 1 : 0
  name                = "${local.name}-bastion"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = var.availability_zones
  tags                = local.tags
}

resource "azurerm_bastion_host" "main" {
  count               = var.private_cluster ? 1 : 0
  name                = "${local.name}-bastion"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  sku                 = "Standard"
  tunneling_enabled   = true
  tags                = local.tags

  ip_configuration {
    name                 = "bastion"
    subnet_id            = azurerm_subnet.bastion[0].id
    public_ip_address_id = azurerm_public_ip.bastion[0].id
  }
}

resource "azurerm_network_interface" "jumpbox" {
  count               = var.private_cluster ? 1 : 0
  name                = "${local.name}-jumpbox"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags

  ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.jumpbox[0].id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_linux_virtual_machine" "jumpbox" {
  #checkov:skip=CKV_AZURE_50:No VM extensions are installed; the jumpbox only runs kubectl/helm.
  count                           = var.private_cluster ? 1 : 0
  name                            = "${local.name}-jumpbox"
  location                        = azurerm_resource_group.main.location
  resource_group_name             = azurerm_resource_group.main.name
  size                            = "Standard_B2s"
  admin_username                  = "codemill"
  disable_password_authentication = true
  encryption_at_host_enabled      = var.encryption_at_host
  allow_extension_operations      = false
  network_interface_ids           = [azurerm_network_interface.jumpbox[0].id]
  tags                            = local.tags

  admin_ssh_key {
    username   = "codemill"
    public_key = var.jumpbox_admin_ssh_public_key
  }

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }

  source_image_reference {
    publisher = "Canonical"
    offer     = "ubuntu-24_04-lts"
    sku       = "server"
    version   = "latest"
  }

  identity {
    type = "SystemAssigned"
  }
}
