# Public option: a public zone with the UI/API and plugin records. Private option: a private zone on the
# VPC for the UI/API (ingress on an internal load balancer) and the public zone for the plugin endpoint.
resource "google_dns_managed_zone" "public" {
  count       = var.create_dns_zone ? 1 : 0
  name        = "${local.name}-public"
  dns_name    = "${var.dns_zone_name}."
  description = "Codemill public names"
  labels      = local.labels
  dnssec_config {
    state = "on"
  }
  depends_on = [google_project_service.apis]
}

resource "google_dns_managed_zone" "private" {
  count       = var.create_dns_zone && var.private_cluster ? 1 : 0
  name        = "${local.name}-private"
  dns_name    = "${var.dns_zone_name}."
  description = "Codemill private names (VPC only)"
  visibility  = "private"
  labels      = local.labels
  private_visibility_config {
    networks {
      network_url = google_compute_network.main.id
    }
  }
}

locals {
  public_zone  = var.create_dns_zone ? google_dns_managed_zone.public[0].name : var.existing_dns_zone
  private_zone = var.create_dns_zone && var.private_cluster ? google_dns_managed_zone.private[0].name : var.existing_dns_zone
}

resource "google_dns_record_set" "codemill" {
  name         = "${local.codemill_fqdn}."
  managed_zone = var.private_cluster ? local.private_zone : local.public_zone
  type         = "A"
  ttl          = 300
  rrdatas      = [var.private_cluster ? var.ingress_private_ip : google_compute_address.ingress[0].address]
}

resource "google_dns_record_set" "nats" {
  name         = "${local.nats_fqdn}."
  managed_zone = local.public_zone
  type         = "A"
  ttl          = 300
  rrdatas      = [google_compute_address.nats.address]
}
