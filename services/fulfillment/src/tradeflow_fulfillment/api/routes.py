from fastapi import APIRouter

router = APIRouter(prefix="/fulfillment", tags=["fulfillment"])
