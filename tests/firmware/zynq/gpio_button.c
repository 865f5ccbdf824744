/*
 * gpio_button: buttons and an LED on the PS GPIO, driven from a Lua test
 * (tests/zynq/gpio_button.lua presses the buttons: it drives GPIO input lines).
 *
 * The LED (MIO 7) is an output, off. The button on MIO 50 interrupts on its rising edge
 * (GIC ID 52, the controller's one interrupt): each press toggles the LED. The button on
 * EMIO 0 (GPIO pin 54) interrupts on both edges: its handler reports press and release
 * from the pin's level. The interrupt handler only notes events; main prints them, and
 * exits after two presses of the MIO button and one press and release of the EMIO one.
 */
#include <stdio.h>

#include "common/exceptions.h"
#include "gpiops.h"
#include "platform.h"
#include "scugic.h"
#include "xparameters.h"

#define MAX_EVENTS 8u

/* What the handler saw: a pin and its level, in order. */
static volatile u32 event_pin[MAX_EVENTS], event_level[MAX_EVENTS], n_events;

static void note(u32 pin)
{
    if (n_events < MAX_EVENTS) {
        event_pin[n_events] = pin;
        event_level[n_events] = GpioPs_ReadPin(pin);
        n_events++;
    }
}

static void on_gpio(void *ref)
{
    (void)ref;
    if (GpioPs_IntrGetStatusPin(XPAR_BUTTON_MIO_PIN)) {
        GpioPs_IntrClearPin(XPAR_BUTTON_MIO_PIN);
        GpioPs_WritePin(XPAR_LED_MIO_PIN, !GpioPs_ReadOutputPin(XPAR_LED_MIO_PIN));
        note(XPAR_BUTTON_MIO_PIN);
    }
    if (GpioPs_IntrGetStatusPin(XPAR_BUTTON_EMIO_PIN)) {
        GpioPs_IntrClearPin(XPAR_BUTTON_EMIO_PIN);
        note(XPAR_BUTTON_EMIO_PIN);
    }
}

int main(void)
{
    printf("gpio_button test\n");
    ScuGic_Initialize();
    GpioPs_Initialize();

    GpioPs_SetDirectionPin(XPAR_LED_MIO_PIN, 1);
    GpioPs_SetOutputEnablePin(XPAR_LED_MIO_PIN, 1);
    GpioPs_WritePin(XPAR_LED_MIO_PIN, 0);
    GpioPs_SetDirectionPin(XPAR_BUTTON_MIO_PIN, 0);
    GpioPs_SetDirectionPin(XPAR_BUTTON_EMIO_PIN, 0);
    GpioPs_SetIntrTypePin(XPAR_BUTTON_MIO_PIN, GPIOPS_IRQ_TYPE_EDGE_RISING);
    GpioPs_SetIntrTypePin(XPAR_BUTTON_EMIO_PIN, GPIOPS_IRQ_TYPE_EDGE_BOTH);
    GpioPs_IntrClearPin(XPAR_BUTTON_MIO_PIN);
    GpioPs_IntrClearPin(XPAR_BUTTON_EMIO_PIN);
    GpioPs_IntrEnablePin(XPAR_BUTTON_MIO_PIN);
    GpioPs_IntrEnablePin(XPAR_BUTTON_EMIO_PIN);
    ScuGic_Connect(XPAR_XGPIOPS_0_INTR, on_gpio, NULL);
    ScuGic_Enable(XPAR_XGPIOPS_0_INTR);
    fw_enable_interrupts();
    printf("LED (MIO %u) %s, buttons MIO %u and EMIO %u up: %s\n", XPAR_LED_MIO_PIN,
           GpioPs_ReadPin(XPAR_LED_MIO_PIN) ? "on" : "off", XPAR_BUTTON_MIO_PIN,
           XPAR_BUTTON_EMIO_PIN - 54u,
           !GpioPs_ReadPin(XPAR_BUTTON_MIO_PIN) && !GpioPs_ReadPin(XPAR_BUTTON_EMIO_PIN) ? "yes"
                                                                                         : "no");
    printf("ready\n");

    u32 shown = 0, mio_presses = 0, emio_edges = 0;
    while (mio_presses < 2 || emio_edges < 2) {
        platform_wait_until(&n_events, shown + 1);
        u32 pin = event_pin[shown], level = event_level[shown];
        shown++;
        if (pin == XPAR_BUTTON_MIO_PIN) {
            mio_presses++;
            printf("MIO %lu pressed: LED %s\n", (unsigned long)pin,
                   GpioPs_ReadOutputPin(XPAR_LED_MIO_PIN) ? "on" : "off");
        } else {
            emio_edges++;
            printf("EMIO %lu %s\n", (unsigned long)(pin - 54u), level ? "pressed" : "released");
        }
    }
    printf("done: %lu events\n", (unsigned long)n_events);
    return 0;
}
