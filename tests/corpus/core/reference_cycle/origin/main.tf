# Two instances that each start with the other's address: the references form a cycle, which
# Terraform rejects in the origin (`Error: Cycle`) and would reject in the deployment stack.
# Ferry names the cycle (F403) instead of leaving `tofu plan` to find it.
resource "aws_instance" "primary" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.small"
  user_data     = "PEER=${aws_instance.replica.private_ip}"
}

resource "aws_instance" "replica" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "t3.small"
  user_data     = "PEER=${aws_instance.primary.private_ip}"
}

variable "instance_id" {
  type = string
}
