# The single-server shape of many tutorials: a key pair read from the deployer's home folder,
# an instance with an Elastic IP, and an `ssh` command built from the address's DNS name.
# The key is read from the machine that runs `tofu` (F105 says so; it is not a file artifact
# of the stack), and the reserved IP, which has no DNS name, gives its address to the command.
resource "aws_key_pair" "deployer" {
  key_name   = "deployer-${var.instance_id}"
  public_key = file("~/.ssh/id_rsa.pub")
}

resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.small"
  key_name      = aws_key_pair.deployer.key_name

  tags = {
    Name = "web-${var.instance_id}"
  }
}

resource "aws_eip" "web" {
  instance = aws_instance.web.id
  domain   = "vpc"
}

output "ssh" {
  value = "ssh ubuntu@${aws_eip.web.public_dns}"
}

variable "instance_id" {
  type = string
}
