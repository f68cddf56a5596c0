resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"
  # Not part of the input (Ferry carries JSON, template and YAML files): a file artifact.
  user_data = file("${path.module}/scripts/init.sh")
}

# Values files of a kept Helm release: copied into the deployment stack.
resource "helm_release" "ingress" {
  name       = "ingress-nginx"
  repository = "https://kubernetes.github.io/ingress-nginx"
  chart      = "ingress-nginx"
  values = [
    file("values/ingress.yaml"),
    templatefile("${path.module}/values/extra.yaml.tpl", { replicas = 2 }),
  ]
}
