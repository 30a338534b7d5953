output "gke_cluster_name" {
  description = "GKE cluster name (gcloud container clusters get-credentials <name> --region <region>)."
  value       = google_container_cluster.main.name
}

output "codemill_url" {
  description = "Public URL of the UI/API (config.publicUrl)."
  value       = "https://${local.codemill_fqdn}"
}

output "nats_public_url" {
  description = "Plugin endpoint handed to plugin users (config.natsPublicUrl)."
  value       = "tls://${local.nats_fqdn}:4222"
}

output "nats_public_ip" {
  description = "Static IP of the NATS LoadBalancer (nats.external.loadBalancerIP)."
  value       = google_compute_address.nats.address
}

output "ingress_public_ip" {
  description = "Static IP for the ingress controller's LoadBalancer (public option)."
  value       = var.private_cluster ? null : google_compute_address.ingress[0].address
}

output "cloudsql_private_ip" {
  description = "Private IP of the Cloud SQL instance."
  value       = google_sql_database_instance.main.private_ip_address
}

output "workload_service_account" {
  description = "Google service account for serviceAccount.annotations iam.gke.io/gcp-service-account."
  value       = google_service_account.codemill.email
}

output "secret_manager_secrets" {
  description = "Secret Manager secrets holding the master key and the database URL."
  value       = [google_secret_manager_secret.master_key.secret_id, google_secret_manager_secret.database_url.secret_id]
}

output "bastion_ssh_command" {
  description = "Private option: how to reach the bastion through IAP."
  value       = var.private_cluster ? "gcloud compute ssh ${google_compute_instance.bastion[0].name} --zone ${google_compute_instance.bastion[0].zone} --tunnel-through-iap" : null
}
