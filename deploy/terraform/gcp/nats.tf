# Static IPs: the NATS TLS endpoint for plugins on laptops and CI, and (public option) the ingress.
resource "google_compute_address" "nats" {
  name         = "${local.name}-nats"
  region       = var.region
  address_type = "EXTERNAL"
  network_tier = "PREMIUM"
  labels       = local.labels
  depends_on   = [google_project_service.apis]
}

resource "google_compute_address" "ingress" {
  count        = var.private_cluster ? 0 : 1
  name         = "${local.name}-ingress"
  region       = var.region
  address_type = "EXTERNAL"
  network_tier = "PREMIUM"
  labels       = local.labels
  depends_on   = [google_project_service.apis]
}
