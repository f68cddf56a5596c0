resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = "${aws_vpc.main.id}"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["${split(",", var.trusted_ips)}"]
  }
}

resource "aws_instance" "web" {
  count                  = 2
  ami                    = "ami-38a3292f"
  instance_type          = "t2.micro"
  vpc_security_group_ids = ["${aws_security_group.web.id}"]
}

output "web_ids" {
  value = ["${aws_instance.web.*.id}"]
}
