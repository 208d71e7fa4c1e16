import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiErrors } from '#libs/api-docs';
import { Authenticated, CurrentUserId } from '#libs/auth';
import { CartSkuParamDto, SetCartQuantityDto } from '../dtos/cart-requests.dto';
import { CartDto } from '../dtos/cart.dto';
import { CartService } from '../services/cart.service';

@Authenticated({ users: true })
@Controller('api/cart')
export class CartController {
  constructor(private readonly cart: CartService) {}

  /** Shows the caller's cart with today's prices and stock; a SKU off sale or gone is `available: false` and not in the total. */
  @Get()
  view(@CurrentUserId() userId: string): Promise<CartDto> {
    return this.cart.view(userId);
  }

  /** Sets how many of a SKU the cart holds (1-99; 0 removes the line) and answers the cart; at most 50 lines. */
  @Put('items/:skuId')
  @ApiErrors('SKU_NOT_FOUND', 'CART_FULL')
  setQuantity(@CurrentUserId() userId: string, @Param() params: CartSkuParamDto, @Body() body: SetCartQuantityDto): Promise<CartDto> {
    return this.cart.setQuantity(userId, params.skuId, body.quantity);
  }

  /** Removes a SKU's line from the caller's cart (a line that is not there is no error). */
  @Delete('items/:skuId')
  @HttpCode(204)
  remove(@CurrentUserId() userId: string, @Param() params: CartSkuParamDto): Promise<void> {
    return this.cart.remove(userId, params.skuId);
  }
}
