from ninja import NinjaAPI

api = NinjaAPI(title="Mooring API", version="1", urls_namespace="api")
