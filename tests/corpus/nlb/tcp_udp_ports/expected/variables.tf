variable "region" {
  description = "DigitalOcean region of the appliance."
  type        = string
  default     = "lon1"
}

variable "instance_id" {
  type = string
}

variable "game_ports" {
  description = "Game server ports exposed through the load balancer"
  type        = map(number)
  default     = {
    lobby = 7777
    match = 7778
  }
}
