output "thumbnailer" {
  value = module.thumbnails.function_name
}
