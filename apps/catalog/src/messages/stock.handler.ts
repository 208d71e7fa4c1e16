import { MessagePattern, Payload } from '@nestjs/microservices';
import { CATALOG_MESSAGES, GetSkusRequest, ReserveStockRequest, SkuSnapshot, StockOrderRequest, StockReservation } from '#libs/contracts';
import { StockService } from '../services/stock.service';
import { BusHandler } from '#libs/messaging';

/** The orders service's questions and commands about SKUs and stock (one replica handles each message). */
@BusHandler()
export class StockHandler {
  constructor(private readonly stock: StockService) {}

  @MessagePattern(CATALOG_MESSAGES.getSkus)
  getSkus(@Payload() request: GetSkusRequest): Promise<SkuSnapshot[]> {
    return this.stock.snapshots(request.skuIds);
  }

  @MessagePattern(CATALOG_MESSAGES.reserveStock)
  reserve(@Payload() request: ReserveStockRequest): Promise<StockReservation> {
    return this.stock.reserve(request);
  }

  @MessagePattern(CATALOG_MESSAGES.releaseStock)
  release(@Payload() request: StockOrderRequest): Promise<StockReservation> {
    return this.stock.release(request.orderId);
  }

  @MessagePattern(CATALOG_MESSAGES.confirmStock)
  confirm(@Payload() request: StockOrderRequest): Promise<StockReservation> {
    return this.stock.confirm(request.orderId);
  }
}
