# nadirarfi/aws-terraform-labs (17-lab-create-an-elastic-beanstalk-app): an Elastic Beanstalk
# environment; its error says what the environment runs.
resource "aws_elastic_beanstalk_application" "my_app" {
  name        = "tf-test-app-${var.instance_id}"
  description = "My Java Application"
}

resource "aws_elastic_beanstalk_environment" "tfenvtest" {
  name                = "tf-test-name-${var.instance_id}"
  application         = aws_elastic_beanstalk_application.my_app.name
  solution_stack_name = "64bit Amazon Linux 2 v3.4.1 running Corretto 17"

  setting {
    namespace = "aws:elasticbeanstalk:environment:process:default"
    name      = "MatcherHTTPCode"
    value     = "200"
  }
  setting {
    namespace = "aws:elasticbeanstalk:environment"
    name      = "LoadBalancerType"
    value     = "application"
  }
  setting {
    namespace = "aws:autoscaling:launchconfiguration"
    name      = "InstanceType"
    value     = "t2.micro"
  }
  setting {
    namespace = "aws:autoscaling:asg"
    name      = "MinSize"
    value     = 1
  }
  setting {
    namespace = "aws:autoscaling:asg"
    name      = "MaxSize"
    value     = 2
  }
}

variable "instance_id" {
  type = string
}
