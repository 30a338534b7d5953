locals {
  name          = var.name_prefix
  codemill_fqdn = "${var.codemill_hostname}.${var.dns_zone_name}"
  nats_fqdn     = "${var.nats_hostname}.${var.dns_zone_name}"
  labels        = merge({ app = "codemill", managed-by = "terraform" }, var.labels)
}

data "google_project" "current" {
  project_id = var.project_id
}

resource "google_project_service" "apis" {
  for_each = toset([
    "compute.googleapis.com",
    "container.googleapis.com",
    "sqladmin.googleapis.com",
    "servicenetworking.googleapis.com",
    "cloudkms.googleapis.com",
    "secretmanager.googleapis.com",
    "dns.googleapis.com",
    "iap.googleapis.com",
  ])
  service            = each.value
  disable_on_destroy = false
}
