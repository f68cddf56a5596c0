data "digitalocean_kubernetes_versions" "eks" {}

data "digitalocean_vpc" "airflow_default" {
  region = var.region
}

resource "digitalocean_kubernetes_cluster" "eks" {
  name    = "sps-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.eks.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "default"
    size       = "s-2vcpu-4gb"
    auto_scale = true
    min_nodes  = 2
    max_nodes  = 4
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_nfs" "airflow" {
  name   = "airflow-${var.instance_id}"
  region = var.region
  size   = var.airflow_nfs_size_gib
  tags   = ["instance-id:${var.instance_id}"]
  vpc_id = data.digitalocean_vpc.airflow_default.id
}

resource "kubernetes_storage_class" "efs" {
  metadata {
    name = "filestore"
  }

  reclaim_policy      = "Retain"
  storage_provisioner = "efs.csi.aws.com"
}

resource "kubernetes_persistent_volume" "airflow_kpo" {
  metadata {
    name = "airflow-kpo"
  }

  spec {
    capacity = {
      storage = "5Gi"
    }
    access_modes                     = ["ReadWriteMany"]
    persistent_volume_reclaim_policy = "Retain"

    persistent_volume_source {
      nfs {
        server = digitalocean_nfs.airflow.host
        path   = digitalocean_nfs.airflow.mount_path
      }
    }

    storage_class_name = kubernetes_storage_class.efs.metadata[0].name
  }
}

resource "kubernetes_persistent_volume_v1" "whole_share" {
  metadata {
    name = "airflow-dags"
  }

  spec {
    capacity = {
      storage = "5Gi"
    }
    access_modes = ["ReadWriteMany"]

    persistent_volume_source {
      nfs {
        server = digitalocean_nfs.airflow.host
        path   = digitalocean_nfs.airflow.mount_path
      }
    }

    storage_class_name = "filestore"
  }
}

resource "kubernetes_persistent_volume_claim" "airflow_kpo" {
  metadata {
    name      = "airflow-kpo"
    namespace = "airflow"
  }

  spec {
    access_modes = ["ReadWriteMany"]

    resources {
      requests = {
        storage = "5Gi"
      }
    }

    volume_name        = kubernetes_persistent_volume.airflow_kpo.metadata[0].name
    storage_class_name = kubernetes_storage_class.efs.metadata[0].name
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_kubernetes_cluster.eks.urn]])
}
