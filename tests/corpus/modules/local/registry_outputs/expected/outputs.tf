output "app_config_key" {
  value = module.app.config_key
}
