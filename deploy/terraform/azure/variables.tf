# Every input is typed and described; examples: public.tfvars (public cluster) and private.tfvars.

variable "subscription_id" {
  type        = string
  description = "Azure subscription ID to deploy into."
}

variable "location" {
  type        = string
  description = "Azure region, e.g. westeurope."
  default     = "westeurope"
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (lowercase letters and digits, 3-12 characters)."
  default     = "codemill"
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{2,11}$", var.name_prefix))
    error_message = "name_prefix must be 3-12 lowercase letters or digits, starting with a letter."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}

variable "private_cluster" {
  type        = bool
  description = "true: private AKS API server, private DNS, access through Azure Bastion and a jumpbox (private option). false: public API server limited to api_server_authorized_ip_ranges (public option)."
  default     = false
}

variable "api_server_authorized_ip_ranges" {
  type        = list(string)
  description = "CIDRs allowed to reach the public AKS API server (public option only), e.g. your VPN egress."
  default     = []
}

variable "ingress_allowed_ip_ranges" {
  type        = list(string)
  description = "CIDRs allowed to reach Codemill's UI/API and the NATS endpoint (corporate networks, VPN). Empty allows any source."
  default     = []
}

variable "kubernetes_version" {
  type        = string
  description = "AKS Kubernetes version (minor, e.g. 1.31); null takes the region default."
  default     = null
}

variable "vnet_cidr" {
  type        = string
  description = "Address space of the virtual network."
  default     = "10.40.0.0/16"
}

variable "aks_subnet_cidr" {
  type        = string
  description = "Subnet of the AKS nodes and pods (Azure CNI overlay: pods use pod_cidr)."
  default     = "10.40.0.0/20"
}

variable "pod_cidr" {
  type        = string
  description = "Overlay CIDR of the pods (must not overlap the virtual network)."
  default     = "192.168.0.0/16"
}

variable "postgres_subnet_cidr" {
  type        = string
  description = "Subnet delegated to Azure Database for PostgreSQL Flexible Server."
  default     = "10.40.16.0/24"
}

variable "endpoints_subnet_cidr" {
  type        = string
  description = "Subnet of the private endpoints (Key Vault)."
  default     = "10.40.17.0/24"
}

variable "bastion_subnet_cidr" {
  type        = string
  description = "AzureBastionSubnet (private option; /26 or larger)."
  default     = "10.40.18.0/26"
}

variable "jumpbox_subnet_cidr" {
  type        = string
  description = "Subnet of the jumpbox VM used to run kubectl/helm against a private cluster."
  default     = "10.40.19.0/28"
}

variable "system_node_vm_size" {
  type        = string
  description = "VM size of the system node pool (critical add-ons only)."
  default     = "Standard_D4ds_v5"
}

variable "system_node_count" {
  type        = number
  description = "Number of system nodes (3 spreads them over the availability zones)."
  default     = 3
}

variable "workload_node_vm_size" {
  type        = string
  description = "VM size of the workload node pool. The production profile needs about 36 vCPU / 60 GiB in total: D8ds_v5 (8 vCPU / 32 GiB) x 3 to 6 fits it."
  default     = "Standard_D8ds_v5"
}

variable "workload_node_min_count" {
  type        = number
  description = "Minimum number of workload nodes (cluster autoscaler)."
  default     = 3
}

variable "workload_node_max_count" {
  type        = number
  description = "Maximum number of workload nodes (cluster autoscaler)."
  default     = 6
}

variable "availability_zones" {
  type        = list(string)
  description = "Availability zones of the node pools and the database."
  default     = ["1", "2", "3"]
}

variable "encryption_at_host" {
  type        = bool
  description = "Encrypt node temp disks and caches at the host (needs the EncryptionAtHost feature registered on the subscription)."
  default     = true
}

variable "postgres_version" {
  type        = string
  description = "PostgreSQL major version of the Flexible Server (15 or newer; pgvector needs the VECTOR extension allow-listed, done here)."
  default     = "17"
}

variable "postgres_sku" {
  type        = string
  description = "Flexible Server SKU, e.g. GP_Standard_D4ds_v5 (4 vCPU / 16 GiB) for 500+ users."
  default     = "GP_Standard_D4ds_v5"
}

variable "postgres_storage_mb" {
  type        = number
  description = "Database storage in MB (the reference sizes PostgreSQL at 30-50 GB; Codemill also keeps vectors there)."
  default     = 131072
}

variable "postgres_high_availability" {
  type        = bool
  description = "Zone-redundant standby for the database."
  default     = true
}

variable "postgres_geo_redundant_backup" {
  type        = bool
  description = "Geo-redundant backups of the database."
  default     = true
}

variable "postgres_admin_login" {
  type        = string
  description = "Administrator login of the Flexible Server (the password is generated and kept in Key Vault)."
  default     = "codemilladmin"
}

variable "key_vault_allowed_ip_ranges" {
  type        = list(string)
  description = "CIDRs allowed to reach the Key Vault data plane besides the virtual network (the machine running Terraform)."
  default     = []
}

variable "dns_zone_name" {
  type        = string
  description = "DNS zone for Codemill's names, e.g. example.com. Public option: an Azure DNS zone (created when create_dns_zone); private option: a private DNS zone linked to the virtual network."
}

variable "create_dns_zone" {
  type        = bool
  description = "Create the DNS zone (true) or add records to an existing one in this resource group (false)."
  default     = true
}

variable "codemill_hostname" {
  type        = string
  description = "Host label of the UI/API inside dns_zone_name, e.g. codemill."
  default     = "codemill"
}

variable "nats_hostname" {
  type        = string
  description = "Host label of the plugin endpoint (NATS over TLS) inside dns_zone_name, e.g. plugins."
  default     = "plugins"
}

variable "ingress_private_ip" {
  type        = string
  description = "Private option: the internal load balancer IP the ingress controller gets (inside aks_subnet_cidr)."
  default     = "10.40.15.200"
}

variable "jumpbox_admin_ssh_public_key" {
  type        = string
  description = "Private option: SSH public key of the jumpbox administrator (reached through Azure Bastion)."
  default     = ""
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the Log Analytics workspace (container insights, Fluent Bit)."
  default     = 30
}

variable "kubernetes_namespace" {
  type        = string
  description = "Namespace Codemill is installed into (workload identity federation subject)."
  default     = "codemill"
}
