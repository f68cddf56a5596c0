services = {
  site   = { family = "web", desired_count = 2, path = "/*" }
  api    = { family = "web", desired_count = 3, path = "/api/*" }
  worker = { family = "jobs", desired_count = 1, path = "/jobs/*" }
}
