"""The Statens vegvesen registry fake (enkeltoppslag), its clients and the mapping to MinBil's view.

service.RegistryService is the HTTP-free core; api.add_registry_api mounts it on a Connexion app;
client.RegistryClient is what the CarOwner side uses; mapping.to_registry_data reads any record.
"""
