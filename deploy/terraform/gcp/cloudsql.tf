resource "random_password" "cloudsql" {
  length  = 32
  special = false
}

resource "google_sql_database_instance" "main" {
  #checkov:skip=CKV_GCP_6:TLS is enforced by ip_configuration.ssl_mode = ENCRYPTED_ONLY; the require_ssl argument this check reads was removed in google provider 6.
  name                = "${local.name}-pg"
  region              = var.region
  database_version    = var.cloudsql_version
  deletion_protection = var.deletion_protection
  encryption_key_name = google_kms_crypto_key.cloudsql.id
  depends_on          = [google_service_networking_connection.private_services, google_kms_crypto_key_iam_member.cloudsql]

  settings {
    tier              = var.cloudsql_tier
    edition           = "ENTERPRISE"
    availability_type = var.cloudsql_high_availability ? "REGIONAL" : "ZONAL"
    disk_size         = var.cloudsql_disk_size_gb
    disk_autoresize   = true
    disk_type         = "PD_SSD"
    user_labels       = local.labels

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = google_compute_network.main.id
      ssl_mode                                      = "ENCRYPTED_ONLY"
      enable_private_path_for_google_cloud_services = true
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "02:00"
      transaction_log_retention_days = 7
      backup_retention_settings {
        retained_backups = 14
      }
    }

    insights_config {
      query_insights_enabled = true
    }

    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_min_messages"
      value = "error"
    }
    database_flags {
      name  = "log_min_error_statement"
      value = "error"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
    database_flags {
      name  = "log_statement"
      value = "ddl"
    }
    database_flags {
      name  = "log_hostname"
      value = "on"
    }
    database_flags {
      name  = "log_duration"
      value = "on"
    }
    database_flags {
      name  = "cloudsql.enable_pgaudit"
      value = "on"
    }
  }
}

resource "google_sql_database" "codemill" {
  name     = "codemill"
  instance = google_sql_database_instance.main.name
}

resource "google_sql_database" "keycloak" {
  name     = "keycloak"
  instance = google_sql_database_instance.main.name
}

resource "google_sql_user" "codemill" {
  name     = "codemill"
  instance = google_sql_database_instance.main.name
  password = random_password.cloudsql.result
}
