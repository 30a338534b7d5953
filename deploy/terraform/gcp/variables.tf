# Every input is typed and described; examples: public.tfvars (public cluster) and private.tfvars.

variable "project_id" {
  type        = string
  description = "GCP project ID to deploy into."
}

variable "region" {
  type        = string
  description = "GCP region, e.g. europe-west1."
  default     = "europe-west1"
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name (lowercase letters, digits and hyphens, 3-20 characters)."
  default     = "codemill"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,19}$", var.name_prefix))
    error_message = "name_prefix must be 3-20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels added to every resource that takes them."
  default     = {}
}

variable "private_cluster" {
  type        = bool
  description = "true: GKE control plane on a private endpoint only, reached through the IAP bastion (private option). false: public endpoint limited to master_authorized_networks (public option). Nodes are private in both."
  default     = false
}

variable "master_authorized_networks" {
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  description = "Networks allowed to reach the GKE control plane (public option: your VPN egress; private option: added to the bastion's subnet)."
  default     = []
}

variable "ingress_allowed_ip_ranges" {
  type        = list(string)
  description = "CIDRs allowed to reach Codemill's UI/API and the NATS endpoint (set as loadBalancerSourceRanges). Empty allows any source."
  default     = []
}

variable "gke_security_group" {
  type        = string
  description = "Google Group for Kubernetes RBAC (gke-security-groups@<your-domain>); empty turns Google Groups for RBAC off."
  default     = ""
}

variable "subnet_cidr" {
  type        = string
  description = "Primary range of the GKE subnet (nodes)."
  default     = "10.50.0.0/20"
}

variable "pods_cidr" {
  type        = string
  description = "Secondary range of the pods."
  default     = "10.52.0.0/14"
}

variable "services_cidr" {
  type        = string
  description = "Secondary range of the services."
  default     = "10.56.0.0/20"
}

variable "master_ipv4_cidr" {
  type        = string
  description = "/28 range of the GKE control plane's private endpoint."
  default     = "172.16.0.0/28"
}

variable "bastion_subnet_cidr" {
  type        = string
  description = "Subnet of the bastion VM (private option)."
  default     = "10.50.16.0/28"
}

variable "release_channel" {
  type        = string
  description = "GKE release channel: RAPID, REGULAR or STABLE."
  default     = "REGULAR"
}

variable "node_machine_type" {
  type        = string
  description = "Machine type of the workload node pool. The production profile needs about 36 vCPU / 60 GiB in total: e2-standard-8 or n2-standard-8 x 3 to 6 fits it."
  default     = "n2-standard-8"
}

variable "node_min_count" {
  type        = number
  description = "Minimum nodes per zone of the workload pool (cluster autoscaler)."
  default     = 1
}

variable "node_max_count" {
  type        = number
  description = "Maximum nodes per zone of the workload pool (cluster autoscaler)."
  default     = 2
}

variable "node_disk_size_gb" {
  type        = number
  description = "Boot disk size of the nodes in GB."
  default     = 100
}

variable "cloudsql_tier" {
  type        = string
  description = "Cloud SQL machine tier, e.g. db-custom-4-16384 (4 vCPU / 16 GiB) for 500+ users."
  default     = "db-custom-4-16384"
}

variable "cloudsql_version" {
  type        = string
  description = "Cloud SQL PostgreSQL version (15 or newer; pgvector ships as the vector extension)."
  default     = "POSTGRES_18"
}

variable "cloudsql_disk_size_gb" {
  type        = number
  description = "Initial database disk in GB (grows automatically)."
  default     = 100
}

variable "cloudsql_high_availability" {
  type        = bool
  description = "Regional (high-availability) Cloud SQL instance."
  default     = true
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the cluster and the database from terraform destroy."
  default     = true
}

variable "dns_zone_name" {
  type        = string
  description = "DNS name of the zone for Codemill's names, e.g. example.com (without the trailing dot)."
}

variable "create_dns_zone" {
  type        = bool
  description = "Create a Cloud DNS zone (public option: public zone; private option: private zone on the VPC plus a public zone for the plugin endpoint). false: use existing_dns_zone for the records."
  default     = true
}

variable "existing_dns_zone" {
  type        = string
  description = "Name of an existing Cloud DNS managed zone to add the records to when create_dns_zone is false."
  default     = ""
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
  description = "Private option: the internal load balancer IP of the ingress controller (inside subnet_cidr)."
  default     = "10.50.15.200"
}

variable "bastion_machine_type" {
  type        = string
  description = "Machine type of the bastion VM (private option)."
  default     = "e2-small"
}

variable "kubernetes_namespace" {
  type        = string
  description = "Namespace Codemill is installed into (Workload Identity binding)."
  default     = "codemill"
}
