resource "helm_release" "x" {
  name  = "x"
  chart = "x"
  values = [
    <<YAML
a: 1
YAML
    , <<-EOT
    b: 2
    EOT
  ]
  set {
    name  = "k"
    value = trimspace(<<EOT
hello
EOT
    )
  }
}
resource "aws_instance" "i" {
  ami = "ami-1"
  instance_type = "t3.micro"
  user_data = base64encode(<<EOT
#!/bin/sh
echo hi
EOT
  )
}
