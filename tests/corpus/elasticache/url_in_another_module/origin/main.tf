module "cache" {
  source = "./modules/cache"
}

module "api" {
  source    = "./modules/api"
  redis_url = module.cache.redis_host
}
