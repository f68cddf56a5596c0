# unity-sds/unity-sps (terraform-unity/modules/terraform-unity-sps-airflow/main.tf): Airflow's
# shared volumes are EFS access points mounted by static PersistentVolumes of the EFS CSI
# driver. DOKS has no EFS driver: each volume mounts the file system's NFS share instead
# (`nfs { server, path }`); the access points fold into the share with a warning (no directory,
# no POSIX user), no longer an error. The StorageClass naming the EFS driver is kept with a
# warning (static volumes bind to a claim by its name).
variable "instance_id" {
  type = string
}

resource "aws_eks_cluster" "eks" {
  name     = "sps-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_efs_file_system" "airflow" {
  creation_token = "airflow-${var.instance_id}"
}

resource "aws_efs_access_point" "airflow_kpo" {
  file_system_id = aws_efs_file_system.airflow.id
  posix_user {
    gid = 0
    uid = 50000
  }
  root_directory {
    path = "/airflow-kpo"
    creation_info {
      owner_gid   = 0
      owner_uid   = 50000
      permissions = "0755"
    }
  }
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
      csi {
        driver        = "efs.csi.aws.com"
        volume_handle = "${aws_efs_file_system.airflow.id}::${aws_efs_access_point.airflow_kpo.id}"
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
      csi {
        driver        = "efs.csi.aws.com"
        volume_handle = aws_efs_file_system.airflow.id
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
