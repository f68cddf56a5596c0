terraform {
  required_version = ">= 1.5"

  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "~> 2.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 2.0"
    }
  }
}

provider "digitalocean" {
  api_endpoint = var.ferry_relay_url
  token        = var.ferry_session_token
}

provider "helm" {
  kubernetes {
    host  = "${trimsuffix(var.ferry_relay_url, "/do")}/k8s"
    token = var.ferry_session_token
  }
}
