"""The national platform's transport, checked against worked examples computed here by hand
(the signature string written out, the cipher run directly), not by the code under test."""

import base64
import hashlib
import json
from datetime import datetime

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from connectors.platform import PlatformClient, decrypt_field, encrypt_field, sign_params

SECRET = "Zx9SecretForTests2026"


def test_the_signature_is_sha256_of_the_sorted_lower_cased_parameters_with_the_secret():
    params = {"version": "1.0", "appid": "ZhuXin01", "method": "Team.Add", "format": "json",
              "timestamp": "20261201093000", "nonce": "ab12", "data": '{"teamName":"A班"}'}
    written_out = ('appid=zhuxin01&data={"teamname":"a班"}&format=json&method=team.add'
                   "&nonce=ab12&timestamp=20261201093000&version=1.0")
    assert sign_params(params, SECRET) == hashlib.sha256((written_out + SECRET).encode()).hexdigest()
    assert sign_params(params | {"sign": "ignored"}, SECRET) == sign_params(params, SECRET)
    assert sign_params(params | {"nonce": "ab13"}, SECRET) != sign_params(params, SECRET)


def test_id_and_card_numbers_are_aes128_cbc_pkcs7_with_the_secrets_first_16_bytes():
    key = SECRET.encode()[:16]
    plain = b"310101199001011234" + bytes([14]) * 14  # PKCS#7 to 32 bytes
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key)).encryptor()
    expected = base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
    assert encrypt_field("310101199001011234", SECRET) == expected
    assert decrypt_field(expected, SECRET) == "310101199001011234"


def test_a_request_carries_every_parameter_and_a_valid_signature():
    client = PlatformClient("http://platform.invalid/api", "ZhuXin01", SECRET,
                            now=lambda: datetime(2026, 12, 1, 9, 30, 0))  # fmt: skip
    params = client.params("Team.Add", {"teamName": "第一班组"})
    assert set(params) == {"appid", "method", "version", "format", "timestamp", "nonce", "data", "sign"}
    assert params["timestamp"] == "20261201093000" and json.loads(params["data"]) == {"teamName": "第一班组"}
    assert params["sign"] == sign_params(params, SECRET)
    assert client.params("Team.Add", {})["nonce"] != client.params("Team.Add", {})["nonce"]
