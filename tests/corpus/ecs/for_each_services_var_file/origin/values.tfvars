task_definitions = [
  {
    family = "todo"
    image  = "siba920429/todo-service-image:1.4.2"
    cpu    = 256
    memory = 512
  }
]

services = [
  {
    name                   = "todo-main"
    task_definition_family = "todo"
    desired_count          = 3
  }
]
