import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '#libs/errors';
import { CatalogClient } from '../clients/catalog.client';
import { MAX_CART_LINES } from '../dtos/cart-requests.dto';
import { CartDto } from '../dtos/cart.dto';
import { CartRepository } from '../repositories/cart.repository';
import { cartLineValues, priceCart } from './cart-pricing';

/**
 * Users' carts, kept in orders' database (docs/decisions/cart-storage.md): the same on every replica, and they outlive
 * sessions. Names, prices and stock are the catalog's of the moment, read for all the lines in one bus request.
 */
@Injectable()
export class CartService {
  private readonly logger = new Logger(CartService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogClient,
    private readonly carts: CartRepository,
  ) {}

  async view(userId: string): Promise<CartDto> {
    const lines = await this.carts.findLines(userId);
    if (!lines.length) return { items: [], totalFen: 0 };
    return priceCart(lines, await this.catalog.getSkus(lines.map((line) => line.skuId)));
  }

  /**
   * Sets the line of a SKU the catalog knows (404 otherwise) to `quantity`; 0 removes it. A new line beyond
   * MAX_CART_LINES is 409 CART_FULL. The cart's row is locked while the lines are counted and the line written, so
   * concurrent additions on any replicas never go past the limit.
   */
  async setQuantity(userId: string, skuId: string, quantity: number): Promise<CartDto> {
    if (quantity === 0) return this.remove(userId, skuId).then(() => this.view(userId));
    const [snapshot] = await this.catalog.getSkus([skuId]);
    if (!snapshot) throw new AppError('SKU_NOT_FOUND', 'No such SKU', [{ field: 'skuId', message: `no SKU ${skuId}` }]);
    const line = cartLineValues(userId, snapshot, quantity);
    await this.carts.ensureCart(userId);
    const full = await this.dataSource.transaction(async (manager) => {
      await this.carts.lockCart(manager, userId);
      if (await this.carts.hasLine(manager, userId, skuId)) {
        await this.carts.updateLine(manager, line);
        return false;
      }
      if ((await this.carts.countLines(manager, userId)) >= MAX_CART_LINES) return true;
      await this.carts.insertLine(manager, line);
      return false;
    });
    if (full) throw new AppError('CART_FULL', `A cart holds at most ${MAX_CART_LINES} lines`);
    return this.view(userId);
  }

  /** Removes the line of a SKU; a line that is not there is already removed. */
  remove(userId: string, skuId: string): Promise<void> {
    return this.carts.deleteLine(userId, skuId);
  }

  /**
   * An order was placed: the lines of its SKUs leave the cart, the others stay. Called after the order is committed;
   * a failure here is logged and never fails the order (the user can still remove the lines).
   */
  async removeOrderedLines(userId: string, skuIds: string[]): Promise<void> {
    try {
      await this.carts.deleteLinesOfSkus(userId, skuIds);
    } catch (error) {
      this.logger.warn({ msg: 'the ordered lines could not be removed from the cart', userId, error: (error as Error).message });
    }
  }
}
