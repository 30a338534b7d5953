# Private option: a bastion VM without a public IP, reached by SSH through Identity-Aware Proxy; kubectl
# and helm run there against the private control-plane endpoint.
resource "google_compute_subnetwork" "bastion" {
  count                    = var.private_cluster ? 1 : 0
  name                     = "${local.name}-bastion"
  region                   = var.region
  network                  = google_compute_network.main.id
  ip_cidr_range            = var.bastion_subnet_cidr
  private_ip_google_access = true

  log_config {
    aggregation_interval = "INTERVAL_5_MIN"
    flow_sampling        = 0.5
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

resource "google_service_account" "bastion" {
  count        = var.private_cluster ? 1 : 0
  account_id   = "${local.name}-bastion"
  display_name = "Codemill bastion"
}

resource "google_project_iam_member" "bastion_gke" {
  count   = var.private_cluster ? 1 : 0
  project = var.project_id
  role    = "roles/container.developer"
  member  = "serviceAccount:${google_service_account.bastion[0].email}"
}

resource "google_compute_instance" "bastion" {
  count        = var.private_cluster ? 1 : 0
  name         = "${local.name}-bastion"
  zone         = "${var.region}-b"
  machine_type = var.bastion_machine_type
  tags         = ["codemill-bastion"]
  labels       = local.labels

  boot_disk {
    kms_key_self_link = google_kms_crypto_key.secrets.id
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    subnetwork = google_compute_subnetwork.bastion[0].id
  }

  service_account {
    email  = google_service_account.bastion[0].email
    scopes = ["https://www.googleapis.com/auth/cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "TRUE"
    serial-port-enable     = "FALSE"
  }
}

# SSH to the bastion from Identity-Aware Proxy's range only.
resource "google_compute_firewall" "bastion_iap" {
  count         = var.private_cluster ? 1 : 0
  name          = "${local.name}-bastion-iap-ssh"
  network       = google_compute_network.main.id
  direction     = "INGRESS"
  source_ranges = ["35.235.240.0/20"]
  target_tags   = ["codemill-bastion"]

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
